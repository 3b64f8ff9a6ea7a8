// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { L1Block } from "./L1Block.sol";

/// @title GasPriceOracle
/// @notice L2 predeploy at 0x420000000000000000000000000000000000000F: the L1 data fee of an L2 transaction, with the
///         OP Stack Ecotone formula over the values in `L1Block` (0x4200…0015):
///         `l1GasUsed = zeroBytes * 4 + nonZeroBytes * 16 + 68 * 16` (68 bytes stand for the signature),
///         `l1Fee = l1GasUsed * (16 * baseFeeScalar * l1BaseFee + blobBaseFeeScalar * blobBaseFee) / (16 * 10^6)`;
///         operator fee (Isthmus): `gasUsed * operatorFeeScalar / 10^6 + operatorFeeConstant`. No genesis storage.
contract GasPriceOracle {
    uint256 public constant DECIMALS = 6;
    L1Block internal constant L1_BLOCK = L1Block(0x4200000000000000000000000000000000000015);

    function version() external pure returns (string memory) {
        return "1.4.0";
    }

    function getL1Fee(bytes memory _data) external view returns (uint256) {
        uint256 l1GasUsed = _calldataGas(_data);
        uint256 scaledBaseFee = uint256(L1_BLOCK.baseFeeScalar()) * 16 * L1_BLOCK.basefee();
        uint256 scaledBlobBaseFee = uint256(L1_BLOCK.blobBaseFeeScalar()) * L1_BLOCK.blobBaseFee();
        return (l1GasUsed * (scaledBaseFee + scaledBlobBaseFee)) / (16 * 10 ** DECIMALS);
    }

    function getL1GasUsed(bytes memory _data) external pure returns (uint256) {
        return _calldataGas(_data);
    }

    function getOperatorFee(uint256 _gasUsed) external view returns (uint256) {
        return (_gasUsed * L1_BLOCK.operatorFeeScalar()) / 10 ** DECIMALS + L1_BLOCK.operatorFeeConstant();
    }

    function gasPrice() external view returns (uint256) {
        return block.basefee;
    }

    function baseFee() external view returns (uint256) {
        return block.basefee;
    }

    function l1BaseFee() external view returns (uint256) {
        return L1_BLOCK.basefee();
    }

    function blobBaseFee() external view returns (uint256) {
        return L1_BLOCK.blobBaseFee();
    }

    function baseFeeScalar() external view returns (uint32) {
        return L1_BLOCK.baseFeeScalar();
    }

    function blobBaseFeeScalar() external view returns (uint32) {
        return L1_BLOCK.blobBaseFeeScalar();
    }

    function decimals() external pure returns (uint256) {
        return DECIMALS;
    }

    function isEcotone() external pure returns (bool) {
        return true;
    }

    function isFjord() external pure returns (bool) {
        return false;
    }

    function isIsthmus() external pure returns (bool) {
        return true;
    }

    function isJovian() external pure returns (bool) {
        return false;
    }

    function _calldataGas(bytes memory _data) internal pure returns (uint256 gas_) {
        for (uint256 i = 0; i < _data.length; i++) {
            gas_ += _data[i] == 0 ? 4 : 16;
        }
        gas_ += 68 * 16;
    }
}
