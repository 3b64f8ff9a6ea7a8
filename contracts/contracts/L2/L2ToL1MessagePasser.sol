// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { Encoding } from "../lib/Encoding.sol";
import { Hashing } from "../lib/Hashing.sol";
import { Types } from "../lib/Types.sol";

/// @title L2ToL1MessagePasser
/// @notice L2 predeploy at 0x4200000000000000000000000000000000000016 (OP Stack 1.1.0 interface and storage layout):
///         slot 0 `sentMessages` (the portal proves `sentMessages[withdrawalHash] == true` against this account's
///         storage root), slot 1 `msgNonce` (uint240). Needs no genesis storage.
contract L2ToL1MessagePasser {
    uint256 internal constant RECEIVE_DEFAULT_GAS_LIMIT = 100_000;
    uint16 public constant MESSAGE_VERSION = 1;

    mapping(bytes32 => bool) public sentMessages;
    uint240 internal msgNonce;

    event MessagePassed(
        uint256 indexed nonce,
        address indexed sender,
        address indexed target,
        uint256 value,
        uint256 gasLimit,
        bytes data,
        bytes32 withdrawalHash
    );
    event WithdrawerBalanceBurnt(uint256 indexed amount);

    receive() external payable {
        initiateWithdrawal(msg.sender, RECEIVE_DEFAULT_GAS_LIMIT, bytes(""));
    }

    function version() external pure returns (string memory) {
        return "1.1.0";
    }

    /// @notice Removes the withdrawn ETH held here from the L2 supply.
    function burn() external {
        uint256 balance = address(this).balance;
        new Burner{ value: balance }();
        emit WithdrawerBalanceBurnt(balance);
    }

    /// @notice Sends a message to `_target` on L1 with `msg.value`, executed with at least `_gasLimit` gas.
    function initiateWithdrawal(address _target, uint256 _gasLimit, bytes memory _data) public payable {
        uint256 nonce = messageNonce();
        bytes32 withdrawalHash = Hashing.hashWithdrawal(
            Types.WithdrawalTransaction({
                nonce: nonce,
                sender: msg.sender,
                target: _target,
                value: msg.value,
                gasLimit: _gasLimit,
                data: _data
            })
        );
        sentMessages[withdrawalHash] = true;
        emit MessagePassed(nonce, msg.sender, _target, msg.value, _gasLimit, _data, withdrawalHash);
        unchecked {
            ++msgNonce;
        }
    }

    /// @notice The next withdrawal's nonce: `MESSAGE_VERSION << 240 | counter`.
    function messageNonce() public view returns (uint256) {
        return Encoding.encodeVersionedNonce(msgNonce, MESSAGE_VERSION);
    }
}

/// @notice Destroys the ETH it is created with (self-destruct in the creating transaction still deletes).
contract Burner {
    constructor() payable {
        selfdestruct(payable(address(this)));
    }
}
