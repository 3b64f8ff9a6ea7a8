// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { AddressAliasHelper } from "../contracts/lib/AddressAliasHelper.sol";
import { Encoding } from "../contracts/lib/Encoding.sol";
import { Hashing } from "../contracts/lib/Hashing.sol";
import { RLPReader } from "../contracts/lib/RLPReader.sol";
import { Types } from "../contracts/lib/Types.sol";

/// @notice Exposes RLPReader so reverts can be observed through an external call.
contract RLPReaderHarness {
    function readBytes(bytes memory _in) external pure returns (bytes memory) {
        return RLPReader.readBytes(RLPReader.toRLPItem(_in));
    }

    function listLength(bytes memory _in) external pure returns (uint256) {
        return RLPReader.readList(_in).length;
    }
}

/// @notice Solidity tests of the settlement libraries (Hardhat's Solidity test runner; no forge-std needed).
contract LibrariesTest {
    RLPReaderHarness internal rlp = new RLPReaderHarness();

    function testFuzz_aliasRoundTrips(address _l1) public pure {
        address l2 = AddressAliasHelper.applyL1ToL2Alias(_l1);
        require(AddressAliasHelper.undoL1ToL2Alias(l2) == _l1, "alias does not round-trip");
        require(l2 != _l1, "alias must move the address");
    }

    function test_aliasWrapsAroundTheTop() public pure {
        require(
            AddressAliasHelper.applyL1ToL2Alias(address(type(uint160).max))
                == address(0x1111000000000000000000000000000000001110),
            "wrong wrapped alias"
        );
    }

    function testFuzz_versionedNonceRoundTrips(uint240 _nonce, uint16 _version) public pure {
        (uint240 nonce, uint16 version) = Encoding.decodeVersionedNonce(Encoding.encodeVersionedNonce(_nonce, _version));
        require(nonce == _nonce && version == _version, "nonce does not round-trip");
    }

    function test_firstMessageNonceHasVersionOne() public pure {
        require(
            Encoding.encodeVersionedNonce(0, 1) == 0x0001000000000000000000000000000000000000000000000000000000000000,
            "wrong first nonce"
        );
    }

    function test_outputRootIsKeccakOfTheFourWords() public pure {
        Types.OutputRootProof memory proof = Types.OutputRootProof(bytes32(0), bytes32(uint256(1)), bytes32(uint256(2)), bytes32(uint256(3)));
        require(
            Hashing.hashOutputRootProof(proof)
                == keccak256(abi.encodePacked(bytes32(0), bytes32(uint256(1)), bytes32(uint256(2)), bytes32(uint256(3)))),
            "wrong output root"
        );
    }

    function test_withdrawalSlotIsTheMappingSlot() public pure {
        bytes32 h = keccak256("withdrawal");
        require(Hashing.withdrawalStorageSlot(h) == keccak256(abi.encode(h, uint256(0))), "wrong slot");
    }

    function test_rlpReadsShortAndLongStrings() public view {
        require(keccak256(rlp.readBytes(hex"83646f67")) == keccak256("dog"), "short string");
        require(keccak256(rlp.readBytes(hex"05")) == keccak256(hex"05"), "single byte");
        bytes memory long = new bytes(56);
        require(rlp.readBytes(abi.encodePacked(hex"b838", long)).length == 56, "long string");
        require(rlp.listLength(hex"c88363617483646f67") == 2, "list");
    }

    function test_rlpRejectsNonCanonicalEncodings() public view {
        // A single byte below 0x80 must not carry a prefix.
        (bool ok,) = address(rlp).staticcall(abi.encodeCall(RLPReaderHarness.readBytes, (hex"8105")));
        require(!ok, "accepted a prefixed single byte");
        // A long-form length must exceed 55.
        (ok,) = address(rlp).staticcall(abi.encodeCall(RLPReaderHarness.readBytes, (abi.encodePacked(hex"b803", hex"010203"))));
        require(!ok, "accepted a short string in long form");
        // Declared length beyond the input.
        (ok,) = address(rlp).staticcall(abi.encodeCall(RLPReaderHarness.readBytes, (hex"83646f")));
        require(!ok, "accepted a truncated string");
        // Trailing bytes after a list.
        (ok,) = address(rlp).staticcall(abi.encodeCall(RLPReaderHarness.listLength, (hex"c1800000")));
        require(!ok, "accepted a list remainder");
    }
}
